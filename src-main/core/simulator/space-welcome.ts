/**
 * The demo colleague's first words in the demo spaces (issue 13): a space the colleague and the user
 * both belong to gets, once, a first thread and a first shared file (a short real PDF), encrypted and
 * signed like anything a member posts, for the active members with a published key. The seed cannot
 * hold them: their keys are born on their devices.
 */
import { randomUUID } from 'node:crypto';
import type { Communication, Endpoint, Group } from 'fhir/r4';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { activeMembers, contentKindOf, isSpace, memberStatus, spaceOfContent } from '../../../src-shared/domain/spaces';
import { keyOfEndpoint } from '../messaging/directory-lookup';
import { sha256Hex } from '../messaging/message-wire';
import { encryptAndSign, type KeyPair } from '../messaging/pgp';
import type { PlatformClient, PlatformUser } from '../platform-client';
import { sealSpaceContent, spacePostBundle } from '../spaces/space-wire';

const WELCOME = {
  title: 'Bienvenue dans l’espace',
  text:
    'Bonjour à toutes et à tous,\n\nJe dépose ici le protocole que nous utilisons. Vos remarques sont bienvenues ' +
    'dans ce fil : tout ce qui est publié ici est chiffré de bout en bout pour les membres de l’espace.\n\n',
  file: 'protocole-partage.pdf',
};

async function protocolPdf(spaceName: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setCreationDate(new Date(Date.UTC(2025, 0, 1)));
  pdf.setModificationDate(new Date(Date.UTC(2025, 0, 1)));
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  const plain = (text: string) => text.replace(/[’]/g, "'").replace(/[^\u0020-\u00ff—]/g, '');
  page.drawText(plain(`Protocole partagé — ${spaceName}`), { x: 50, y: 780, size: 16, font });
  [
    '1. Évaluer à chaque visite et noter dans le dossier.',
    '2. Signaler toute aggravation le jour même.',
    '3. Revoir le protocole chaque trimestre.',
  ].forEach((line, i) => page.drawText(plain(line), { x: 50, y: 740 - i * 22, size: 11, font }));
  return pdf.save({ useObjectStreams: false });
}

export interface WelcomingColleague {
  client: PlatformClient;
  me: PlatformUser;
  key: KeyPair;
}

/** Posts the first thread and file in each space the colleague shares with `user`, once; returns how many spaces. */
export async function welcomeInSharedSpaces(
  colleague: WelcomingColleague,
  user: PlatformUser,
  now: () => Date,
  post: (url: string, body: unknown) => Promise<unknown>,
): Promise<number> {
  const groups = await colleague.client.search<Group>('Group', { member: colleague.me.id, _count: '50' });
  const shared = groups.filter(
    (g) => isSpace(g) && memberStatus(g, colleague.me.id) === 'active' && memberStatus(g, user.id) === 'active',
  );
  if (shared.length === 0) return 0;
  const posted = await colleague.client.search<Communication>('Communication', { sender: colleague.me.id, _count: '1000' });
  let welcomed = 0;
  for (const group of shared) {
    if (posted.some((c) => contentKindOf(c) !== undefined && spaceOfContent(c) === group.id)) continue;
    const audience: string[] = [];
    const keys: string[] = [];
    for (const member of activeMembers(group)) {
      const key =
        member === colleague.me.id
          ? colleague.key.publicKeyArmored
          : (await colleague.client.search<Endpoint>('Endpoint', { owner: member, status: 'active' }))
              .map(keyOfEndpoint)
              .find((k) => k !== null)?.armored;
      if (!key) continue;
      audience.push(member);
      keys.push(key);
    }
    const sentAt = now().toISOString();
    const threadId = randomUUID();
    const thread = await encryptAndSign(
      sealSpaceContent({
        contentId: threadId,
        space: group.id!,
        kind: 'thread',
        title: WELCOME.title,
        text: `${WELCOME.text}${colleague.me.name}`,
      }),
      keys,
      colleague.key.privateKeyArmored,
    );
    await post(
      `Group/${group.id}/$post`,
      spacePostBundle({
        id: threadId,
        spaceId: group.id!,
        kind: 'thread',
        sender: colleague.me.id,
        audience,
        sentAt,
        sealed: thread,
      }),
    );
    const bytes = await protocolPdf(group.name ?? '');
    const fileId = randomUUID();
    const meta = { name: WELCOME.file, contentType: 'application/pdf', size: bytes.length, sha256: sha256Hex(bytes) };
    const sealed = await encryptAndSign(
      sealSpaceContent({ contentId: fileId, space: group.id!, kind: 'file', text: 'Protocole de l’équipe', file: meta }),
      keys,
      colleague.key.privateKeyArmored,
    );
    const fileBytes = await encryptAndSign(bytes, keys, colleague.key.privateKeyArmored);
    await post(
      `Group/${group.id}/$post`,
      spacePostBundle({
        id: fileId,
        spaceId: group.id!,
        kind: 'file',
        sender: colleague.me.id,
        audience,
        sentAt,
        sealed,
        fileBytes,
      }),
    );
    welcomed += 1;
  }
  return welcomed;
}
