/**
 * The public document library (issue 13): read and searched by anyone, without a token; its files
 * downloaded the same way; published by the platform's editors only; a new edition retires the old
 * one and links both. The exception is narrow: a DSP document's Binary still answers 401 without a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARY_DOCUMENTS } from '../../../src-main/platform/seed/demo-library';
import { startTestPlatform, type Json, type TestPlatform } from '../platform/platform-harness';
import { auditEventsAfterStop, publication } from './library-harness';

let env: TestPlatform;
let editor: string;
let gp: string;

beforeAll(async () => {
  env = await startTestPlatform({ patients: 3, docsPerPatient: 1 });
  [editor, gp] = await Promise.all([env.loginAs('demo.editor'), env.login('gp')]);
});
afterAll(async () => env?.stop());

const ids = (bundle: Json): string[] => (bundle.entry ?? []).map((e: Json) => e.resource.id);

describe('reading without login', () => {
  it('every data directory holds the 25 seeded documents in 6 themes, and a search without a token lists them', async () => {
    const answer = await env.request('GET', '/fhir/Library?_count=100');
    expect(answer.status).toBe(200);
    expect(ids(answer.json).sort()).toEqual(LIBRARY_DOCUMENTS.map((d) => d.id).sort());
    const themes = new Set(answer.json.entry.map((e: Json) => e.resource.topic[0].coding[0].code));
    expect(themes.size).toBe(6);
  });

  it('full-text search finds a word of the title or summary in French, German or English', async () => {
    const french = await env.request('GET', '/fhir/Library?text:contains=vaccination&status=active');
    expect(french.status).toBe(200);
    expect(ids(french.json)).toContain('lib-vaccination-grippe');
    const german = await env.request('GET', '/fhir/Library?text:contains=gurtelrose');
    expect(ids(german.json)).toEqual(['lib-vaccination-zona']);
    const english = await env.request('GET', '/fhir/Library?text:contains=shingles');
    expect(ids(english.json)).toEqual(['lib-vaccination-zona']);
    const byTheme = await env.request('GET', '/fhir/Library?topic=https://esante.lu/fhir/CodeSystem/library-theme|diabetes');
    expect(ids(byTheme.json).length).toBe(5);
  });

  it('a superseded edition is retired and names its successor, which names it as predecessor', async () => {
    const old = await env.request('GET', '/fhir/Library/lib-vaccination-calendrier-2024');
    expect(old.json.status).toBe('retired');
    expect(old.json.relatedArtifact).toContainEqual({ type: 'successor', resource: 'Library/lib-vaccination-calendrier-2025' });
    const current = await env.request('GET', '/fhir/Library/lib-vaccination-calendrier-2025');
    expect(current.json.status).toBe('active');
    expect(current.json.relatedArtifact).toContainEqual({
      type: 'predecessor',
      resource: 'Library/lib-vaccination-calendrier-2024',
    });
  });

  it('a document’s PDF is downloaded without a token, and is a real PDF', async () => {
    const library = await env.request('GET', '/fhir/Library/lib-hygiene-mains');
    const url = library.json.content[0].url as string;
    const binary = await env.request('GET', `/fhir/${url}`);
    expect(binary.status).toBe(200);
    // Its JSON names the PDF's blob (issue 10); the bytes come with a non-FHIR Accept, still without a token.
    const download = await fetch(`${env.url}/${url}`, { headers: { accept: 'application/pdf' } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBe(library.json.content[0].size);
  });

  it('a Binary search without a token is still refused (the exception is a read by id of a library file only)', async () => {
    expect((await env.request('GET', '/fhir/Binary?_id=lib-hygiene-mains-pdf')).status).toBe(401);
  });

  it('a DSP document’s Binary still refuses without a token', async () => {
    const documents = await env.request('GET', '/fhir/DocumentReference?patient=Patient/demo-patient&_count=200', { token: gp });
    expect(documents.status).toBe(200);
    const url = documents.json.entry
      .map((e: Json) => e.resource.content[0].attachment.url as string | undefined)
      .find((u: string | undefined) => u?.startsWith('Binary/')) as string;
    expect(url).toBeDefined();
    expect((await env.request('GET', `/fhir/${url}`, { token: gp })).status).toBe(200);
    expect((await env.request('GET', `/fhir/${url}`)).status).toBe(401);
    expect((await env.request('GET', `/fhir/${url}/_history/1`)).status).toBe(401);
    expect((await env.request('GET', `/fhir/${url}/_history`)).status).toBe(401);
  });
});

describe('publishing', () => {
  it('an ordinary professional cannot publish (403), nor change a document', async () => {
    const create = await env.request('POST', '/fhir', { token: gp, body: publication('lib-by-a-gp') });
    expect(create.status).toBe(403);
    const current = await env.request('GET', '/fhir/Library/lib-hygiene-mains');
    const change = await env.request('PUT', '/fhir/Library/lib-hygiene-mains', {
      token: gp,
      body: { ...current.json, title: 'Changed' },
      headers: { 'if-match': `W/"${current.json.meta.versionId}"` },
    });
    expect(change.status).toBe(403);
    expect((await env.request('GET', '/fhir/Library/lib-by-a-gp')).status).toBe(404);
  });

  it('nobody publishes without a token (401)', async () => {
    expect((await env.request('POST', '/fhir', { body: publication('lib-anonymous') })).status).toBe(401);
  });

  it('the editor publishes a new edition: the old one is retired and linked to it, in the same transaction', async () => {
    const answer = await env.request('POST', '/fhir', {
      token: editor,
      body: publication('lib-hygiene-mains-2026', { replaces: 'lib-hygiene-mains', title: 'Hygiène des mains (2026)' }),
    });
    expect(answer.status).toBe(200);
    const old = await env.request('GET', '/fhir/Library/lib-hygiene-mains');
    expect(old.json.status).toBe('retired');
    expect(old.json.relatedArtifact).toContainEqual({ type: 'successor', resource: 'Library/lib-hygiene-mains-2026' });
    const pdf = await env.request('GET', '/fhir/Binary/lib-hygiene-mains-2026-pdf');
    expect(pdf.status).toBe(200);
  });

  it('a document is never deleted, even by the editor (405)', async () => {
    expect((await env.request('DELETE', '/fhir/Library/lib-hygiene-plaies', { token: editor })).status).toBe(405);
  });

  it('a file that is not a PDF is refused, naming the field', async () => {
    const body = publication('lib-not-pdf');
    body.entry[1].resource.content[0].contentType = 'text/html';
    const answer = await env.request('POST', '/fhir', { token: editor, body });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.json)).toContain('Library.content[0].contentType');
  });
});

describe('audit', () => {
  it('anonymous reads, the refused publication and the refused DSP Binary are in the access log', async () => {
    const events = await auditEventsAfterStop(env);
    const text = events.map((e) => JSON.stringify(e));
    expect(text.some((e) => e.includes('Library/lib-hygiene-mains/_history') && e.includes('library: public document'))).toBe(
      true,
    );
    expect(
      events.some(
        (e) =>
          e.outcome === '4' && JSON.stringify(e).includes('published by the platform') && JSON.stringify(e).includes('demo-gp'),
      ),
    ).toBe(true);
    expect(
      events.some(
        (e) =>
          e.outcome === '4' && JSON.stringify(e).includes('authentication required') && JSON.stringify(e).includes('Binary/'),
      ),
    ).toBe(true);
  });
});
