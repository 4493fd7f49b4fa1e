import { randomUUID } from 'node:crypto';
import { blobOf } from '../../../src-shared/domain/attachments';
import type { Binary, Communication, Endpoint, FhirResource, Parameters } from 'fhir/r4';
import { DeskError } from '../../../src-shared/domain/errors';
import { keyOfEndpoint } from '../messaging/directory-lookup';
import { keyEndpoint } from '../messaging/key-endpoint';
import { deliveryOf } from '../messaging/mailbox';
import { messageBundle, sealBody, unsealBody } from '../messaging/message-wire';
import { decryptAndVerify, encryptAndSign, generateKeyPair, UnreadableMessageError, type KeyPair } from '../messaging/pgp';
import { PlatformClient, PlatformError, type PlatformUser } from '../platform-client';
import { welcomeInSharedSpaces } from './space-welcome';

/**
 * The platform's seeded demo accounts this simulator may act as (src-main/platform/seed/demo-accounts.ts;
 * the core cannot import the platform, so a test checks the two lists agree). First choice first: the
 * colleague who writes to a user is the first of these that is not the user and whose account nobody
 * else uses on this platform.
 */
export const DEMO_COLLEAGUES = [
  {
    identifier: 'demo.nurse',
    reference: 'Practitioner/demo-nurse',
    firstMessage: {
      subject: 'Visite de ce matin — suivi du pansement',
      body:
        'Bonjour,\n\nJ’ai vu ce matin notre patiente commune pour la réfection du pansement de la jambe gauche : ' +
        'la plaie est propre, sans signe d’infection, la douleur est bien contrôlée. Je repasse jeudi.\n\n' +
        'Vous pouvez me répondre ici : cette messagerie est chiffrée de bout en bout.\n\nBien cordialement,\n',
    },
  },
  {
    identifier: 'demo.gp',
    reference: 'Practitioner/demo-gp',
    firstMessage: {
      subject: 'Patient commun — adaptation du traitement',
      body:
        'Bonjour,\n\nJ’ai revu hier notre patient commun en consultation : la tension est mieux équilibrée depuis ' +
        'l’adaptation du traitement. Merci de me signaler toute valeur au-dessus de 160 lors de vos passages.\n\n' +
        'Vous pouvez me répondre ici : cette messagerie est chiffrée de bout en bout.\n\nBien cordialement,\n',
    },
  },
  {
    identifier: 'demo.specialist',
    reference: 'Practitioner/demo-specialist',
    firstMessage: {
      subject: 'Compte rendu de consultation à venir',
      body:
        'Bonjour,\n\nJ’ai vu notre patient commun en consultation de cardiologie ce matin ; l’échographie est ' +
        'rassurante. Le compte rendu suit dans le DSP.\n\n' +
        'Vous pouvez me répondre ici : cette messagerie est chiffrée de bout en bout.\n\nBien cordialement,\n',
    },
  },
] as const;

/** The demo accounts' password and one-time code (a mock of LuxTrust: the code is fixed). */
const DEMO_PASSWORD = 'Demo!2025';
const DEMO_OTP = '123456';

/**
 * Marks the keys this simulator publishes, so a later run can tell its own stale keys (retired) from a
 * key a real person published for the same demo account (that account is then left alone).
 */
export const SIMULATED_KEY_NAME = 'OpenPGP (collègue simulé)';

const ACKNOWLEDGEMENT =
  'Bonjour,\n\nMerci pour votre message, bien reçu. Je m’en occupe et je reviens vers vous si besoin.\n\nBien cordialement,\n';

type DemoColleague = (typeof DEMO_COLLEAGUES)[number];

/** One colleague the simulator acts as: its login and the key pair it holds in memory only. */
interface ActingColleague {
  demo: DemoColleague;
  client: PlatformClient;
  me: PlatformUser;
  key: KeyPair;
}

/** What the simulator did in one round, for tests and the log (counts only, never content). */
export interface ColleagueRound {
  colleague: string | null;
  firstMessages: number;
  answers: number;
}

/**
 * Demo colleagues on the embedded platform (issue 15 item 8), so a new user sees a real end-to-end
 * encrypted conversation: once the user's key is published, a colleague sends a first signed message;
 * mail the user sends to that colleague gets a short acknowledgement. Each colleague logs in with its own
 * demo account, publishes its own key (kept in memory, never on disk) and speaks the same wire format
 * as the mailbox, so the user's client verifies it against the directory like any other mail.
 *
 * It runs inside the user's sync, just before the pull, so what it sends arrives in that same sync; its
 * failures are logged and swallowed — a demo must never stop the user's sync.
 */
export class ColleagueSimulator {
  /** Colleagues by identifier: their key outlives a lock, so mail sent to it stays readable. */
  private readonly acting = new Map<string, ActingColleague>();
  /** Messages a colleague cannot decrypt (sent to a key of an earlier run): not retried every sync. */
  private readonly unreadable = new Set<string>();

  constructor(
    private readonly fhirBaseUrl: string,
    private readonly embedded: boolean,
    private readonly now: () => Date = () => new Date(),
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {}

  /** One round for the user `user`: at most one colleague writes first, and every colleague answers. */
  async round(user: PlatformUser | null): Promise<ColleagueRound> {
    const idle: ColleagueRound = { colleague: null, firstMessages: 0, answers: 0 };
    if (!this.embedded || !user || !user.id.startsWith('Practitioner/')) return idle;
    try {
      const colleague = await this.colleagueFor(user);
      if (!colleague || !(await this.keyPublished(colleague, user))) return idle;
      const firstMessages = await this.writeFirst(colleague, user);
      const answers = await this.answer(colleague, user);
      // The demo spaces they share get a first thread and file (once), so a new user's spaces are not empty.
      await welcomeInSharedSpaces(colleague, user, this.now, (url, body) =>
        this.write(colleague.client, url, body, null, 'POST'),
      );
      return { colleague: colleague.me.id, firstMessages, answers };
    } catch (error) {
      // Offline is the user's sync's business to report; anything else is logged by kind only (the
      // messages the colleagues handle hold clinical text).
      if (error instanceof PlatformError && error.isTransient) return idle;
      this.log(`[colleague-simulator] round failed: ${error instanceof Error ? error.name : typeof error}`);
      return idle;
    }
  }

  /**
   * Retires the keys the colleagues published (at lock and logout), so that while no session runs a
   * real login to the same demo account is the only holder of an active key for it.
   */
  async stop(): Promise<void> {
    const acting = [...this.acting.values()];
    await Promise.all(
      acting.map(async (colleague) => {
        try {
          await this.setKeyStatus(colleague, 'off');
        } catch (error) {
          this.log(`[colleague-simulator] could not retire a key: ${error instanceof Error ? error.name : typeof error}`);
        }
      }),
    );
  }

  private async keyPublished(colleague: ActingColleague, user: PlatformUser): Promise<boolean> {
    const keys = await colleague.client.search<Endpoint>('Endpoint', { owner: user.id, status: 'active' });
    return keys.some((endpoint) => keyOfEndpoint(endpoint) !== null);
  }

  /** The first demo colleague who is not the user and whose account no real person uses here. */
  private async colleagueFor(user: PlatformUser): Promise<ActingColleague | null> {
    for (const demo of DEMO_COLLEAGUES) {
      if (demo.reference === user.id) continue;
      const known = this.acting.get(demo.identifier);
      if (known) {
        if (await this.someoneElseUses(known.client, demo)) continue;
        await this.setKeyStatus(known, 'active');
        return known;
      }
      const colleague = await this.takeOver(demo);
      if (colleague) return colleague;
    }
    return null;
  }

  /** Logs in as `demo` and publishes a fresh key, unless someone else publishes keys for that account. */
  private async takeOver(demo: DemoColleague): Promise<ActingColleague | null> {
    const client = new PlatformClient({ fhirBaseUrl: this.fhirBaseUrl, timeoutMs: 10_000 });
    const session = await client.login(demo.identifier, DEMO_PASSWORD, DEMO_OTP);
    if (await this.someoneElseUses(client, demo)) return null;
    const published = await client.search<Endpoint>('Endpoint', { owner: demo.reference, status: 'active' });
    // Keys an earlier run left active cannot decrypt anything now (their private halves were in memory).
    for (const stale of published) await this.write(client, `Endpoint/${stale.id}`, { ...stale, status: 'off' }, stale);
    const key = await generateKeyPair(session.user.name, `${demo.reference.split('/')[1]}@esante.lu`);
    const endpoint = keyEndpoint(demo.reference, key, this.now().toISOString(), SIMULATED_KEY_NAME);
    await this.write(client, `Endpoint/${endpoint.id}`, endpoint, null);
    const colleague = { demo, client, me: session.user, key };
    this.acting.set(demo.identifier, colleague);
    return colleague;
  }

  /** A key for the account that this simulator did not publish: a real person logs in as it here. */
  private async someoneElseUses(client: PlatformClient, demo: DemoColleague): Promise<boolean> {
    const published = await client.search<Endpoint>('Endpoint', { owner: demo.reference, status: 'active' });
    return published.some((endpoint) => endpoint.name !== SIMULATED_KEY_NAME);
  }

  private async setKeyStatus(colleague: ActingColleague, status: 'active' | 'off'): Promise<void> {
    const id = keyEndpoint(colleague.me.id, colleague.key, '').id!;
    const current = (await colleague.client.read<Endpoint>('Endpoint', id)).resource;
    if (current.status === status) return;
    await this.write(colleague.client, `Endpoint/${id}`, { ...current, status }, current);
  }

  /** The first message, once per colleague and user: the platform's record of sent mail says whether it went. */
  private async writeFirst(colleague: ActingColleague, user: PlatformUser): Promise<number> {
    const sent = await colleague.client.search<Communication>('Communication', {
      sender: colleague.me.id,
      recipient: user.id,
      _count: '1',
    });
    if (sent.length > 0) return 0;
    const { subject, body } = colleague.demo.firstMessage;
    await this.send(colleague, user.id, subject, `${body}${colleague.me.name}`);
    return 1;
  }

  /** Acknowledges every message from the user the colleague has not read yet, then marks it read. */
  private async answer(colleague: ActingColleague, user: PlatformUser): Promise<number> {
    const inbox = await colleague.client.search<Communication>('Communication', {
      recipient: colleague.me.id,
      sender: user.id,
      _count: '100',
    });
    let answers = 0;
    for (const message of inbox) {
      const mine = deliveryOf(message).find((d) => d.recipient === colleague.me.id);
      if (!message.id || mine?.status === 'read' || this.unreadable.has(message.id)) continue;
      const subject = await this.subjectOf(colleague, message, user);
      if (subject === null) {
        this.unreadable.add(message.id);
        continue;
      }
      await this.send(
        colleague,
        user.id,
        subject.startsWith('Re :') ? subject : `Re : ${subject}`,
        `${ACKNOWLEDGEMENT}${colleague.me.name}`,
      );
      const receipt: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'status', valueCode: 'read' }] };
      await this.write(colleague.client, `Communication/${message.id}/$receipt`, receipt, null, 'POST');
      answers += 1;
    }
    return answers;
  }

  /** Decrypts the message's body part with the colleague's key; null when it was not encrypted to it. */
  private async subjectOf(colleague: ActingColleague, message: Communication, user: PlatformUser): Promise<string | null> {
    const url = message.payload?.[0]?.contentAttachment?.url;
    const [type, id] = url?.split('/') ?? [];
    if (type !== 'Binary' || !id) return null;
    const part = (await colleague.client.read<Binary>('Binary', id)).resource;
    // The part names its blob (issue 10); a small body part comes in one ranged GET.
    const blob = blobOf(part);
    const bytes =
      part.data !== undefined
        ? Buffer.from(part.data, 'base64')
        : blob && blob.size > 0
          ? (await colleague.client.downloadRange(id, 0, blob.size)).bytes
          : Buffer.alloc(0);
    const senderKeys = await colleague.client.search<Endpoint>('Endpoint', { owner: user.id });
    try {
      const opened = await decryptAndVerify(
        bytes,
        [colleague.key.privateKeyArmored],
        senderKeys.map(keyOfEndpoint).flatMap((key) => (key ? [key.armored] : [])),
      );
      const read = unsealBody(opened.data);
      return read.kind === 'sealed' ? read.sealed.subject || 'votre message' : 'votre message';
    } catch (error) {
      if (error instanceof UnreadableMessageError) return null;
      throw error;
    }
  }

  /** Encrypts to the user and to the colleague, signs, and posts the message Bundle the mailbox sends too. */
  private async send(colleague: ActingColleague, to: string, subject: string, body: string): Promise<void> {
    const keys = await colleague.client.search<Endpoint>('Endpoint', { owner: to, status: 'active' });
    const recipientKey = keys.map(keyOfEndpoint).find((key) => key !== null);
    if (!recipientKey) throw new DeskError('invalid_input', 'the recipient has no published key', 'to');
    const messageId = randomUUID();
    const part = await encryptAndSign(
      sealBody({ messageId, subject, body, attachments: [] }),
      [recipientKey.armored, colleague.key.publicKeyArmored],
      colleague.key.privateKeyArmored,
    );
    const { bundle } = messageBundle({
      id: messageId,
      sender: colleague.me.id,
      recipients: [to],
      parts: [part],
      sentAt: this.now().toISOString(),
    });
    await this.write(colleague.client, '', bundle, null, 'POST');
  }

  private write(
    client: PlatformClient,
    url: string,
    body: unknown,
    current: FhirResource | null,
    method: 'PUT' | 'POST' = 'PUT',
  ): Promise<unknown> {
    const version = current?.meta?.versionId;
    return client.write({ method, url, body, ifMatch: version ? `W/"${version}"` : null, opId: randomUUID() });
  }
}
