import { createHash } from 'node:crypto';
import type { Binary, Bundle, Library } from 'fhir/r4';
import { blobOf } from '../../../src-shared/domain/attachments';
import type { LibraryDocumentSummary, LibrarySearchResult } from '../../../src-shared/api';
import { DeskError } from '../../../src-shared/domain/errors';
import {
  LIBRARY_LANGUAGES,
  LIBRARY_THEME_SYSTEM,
  libraryFiles,
  libraryText,
  predecessorOf,
  successorOf,
  themeOf,
  type LibraryLanguage,
  type LibraryTheme,
} from '../../../src-shared/domain/library';
import { PlatformError, type PlatformClient } from '../platform-client';
import type { Store } from '../store';

const PAGE = 200;

function summaryOf(
  library: Library,
  lang: LibraryLanguage,
  state: { pinned: boolean; onDevice: boolean },
): LibraryDocumentSummary {
  const text = libraryText(library, lang);
  return {
    id: library.id!,
    theme: themeOf(library) ?? null,
    title: text.title,
    summary: text.summary,
    version: library.version ?? null,
    date: library.date ?? null,
    superseded: library.status === 'retired',
    replacedBy: successorOf(library) ?? null,
    replaces: predecessorOf(library) ?? null,
    ...state,
  };
}

/** Every language's title and summary, for the offline search. */
function allText(library: Library): string {
  return LIBRARY_LANGUAGES.flatMap((lang) => Object.values(libraryText(library, lang))).join(' ');
}

/**
 * The public document library (issue 13) for one profile: searched on the platform when it answers,
 * on the offline shelf when it does not; a document opened (or pinned) is kept in the encrypted cache
 * with its PDF, so it opens again without the platform.
 */
export class LibraryCatalogue {
  constructor(
    private readonly store: Store,
    private readonly client: PlatformClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async search(input: {
    text?: string | undefined;
    theme?: LibraryTheme | undefined;
    lang: LibraryLanguage;
    includeSuperseded: boolean;
  }): Promise<LibrarySearchResult> {
    const words = (input.text ?? '')
      .split(/\s+/)
      .filter((w) => w.length > 0)
      .slice(0, 8);
    let libraries: Library[];
    let offline = false;
    try {
      const query = new URLSearchParams({ _count: String(PAGE) });
      for (const word of words) query.append('text:contains', word);
      if (input.theme) query.set('topic', `${LIBRARY_THEME_SYSTEM}|${input.theme}`);
      if (!input.includeSuperseded) query.set('status', 'active');
      const bundle = await this.client.get<Bundle>(`Library?${query.toString()}`);
      libraries = (bundle.entry ?? []).map((e) => e.resource as Library).filter((r) => r?.resourceType === 'Library');
      this.store.library.remember(
        libraries.map((l) => ({ id: l.id!, json: JSON.stringify(l), theme: themeOf(l) ?? null, searchText: allText(l) })),
      );
    } catch (error) {
      if (!(error instanceof PlatformError) || !error.isTransient) throw error;
      offline = true;
      libraries = this.store.library
        .search(words, input.theme, PAGE)
        .map((d) => JSON.parse(d.json) as Library)
        .filter((l) => input.includeSuperseded || l.status !== 'retired');
    }
    const states = this.store.library.states(libraries.map((l) => l.id!));
    const documents = libraries
      .map((l) => summaryOf(l, input.lang, states.get(l.id!) ?? { pinned: false, onDevice: false }))
      .sort((a, b) => a.title.localeCompare(b.title, input.lang) || a.id.localeCompare(b.id));
    return { documents, offline };
  }

  /** The document and its PDF: from this device when it is here, else fetched once and kept. */
  async open(id: string, lang: LibraryLanguage) {
    const shelved = this.store.library.get(id);
    const kept = shelved?.onDevice ? this.store.library.file(id) : undefined;
    if (shelved && kept) {
      const library = JSON.parse(shelved.json) as Library;
      return {
        document: summaryOf(library, lang, { pinned: shelved.pinned, onDevice: true }),
        contentType: kept.contentType,
        data: kept.data.toString('base64'),
        offline: false,
      };
    }
    try {
      const library = (await this.client.read<Library>('Library', id)).resource;
      const file = libraryFiles(library)[0];
      if (!file) throw new DeskError('not_found', `library document ${id} has no file`, 'id');
      const binary = (await this.client.read<Binary>('Binary', file.binaryId)).resource;
      const bytes = await this.bytesOf(binary, file.binaryId, id);
      this.store.transaction(() => {
        this.store.library.remember([
          { id, json: JSON.stringify(library), theme: themeOf(library) ?? null, searchText: allText(library) },
        ]);
        this.store.library.keepFile(id, binary.contentType ?? 'application/pdf', bytes, this.now().toISOString());
      });
      return {
        document: summaryOf(library, lang, { pinned: shelved?.pinned ?? false, onDevice: true }),
        contentType: binary.contentType ?? 'application/pdf',
        data: bytes.toString('base64'),
        offline: false,
      };
    } catch (error) {
      if (error instanceof PlatformError && error.isTransient)
        throw new DeskError(
          'offline',
          'this document has not been opened on this device yet; it can be read offline once opened or pinned',
          'id',
        );
      if (error instanceof PlatformError && error.failure.kind === 'rejected' && error.failure.status === 404)
        throw new DeskError('not_found', `no library document ${id}`, 'id');
      throw error;
    }
  }

  /** The file's bytes: inline in the Binary, or from the blob store it names (checked against its hash). */
  private async bytesOf(binary: Binary, binaryId: string, documentId: string): Promise<Buffer> {
    if (binary.data) return Buffer.from(binary.data, 'base64');
    const blob = blobOf(binary);
    if (!blob) throw new DeskError('not_found', `library document ${documentId}: its file has no content yet`, 'id');
    const { bytes } = await this.client.downloadRange(binaryId, 0, blob.size);
    if (createHash('sha256').update(bytes).digest('hex') !== blob.sha256)
      throw new DeskError('forbidden', `library document ${documentId}: the file received is not the one published`, 'id');
    return bytes;
  }

  /** Pinning keeps the PDF on this device now, so it opens offline later. */
  async pin(id: string, pinned: boolean): Promise<{ id: string; pinned: boolean }> {
    if (pinned) await this.open(id, 'fr');
    if (!this.store.library.setPinned(id, pinned))
      throw new DeskError('not_found', `no library document ${id} on this device`, 'id');
    return { id, pinned };
  }
}
