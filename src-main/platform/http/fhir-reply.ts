/** Renders FhirResponses and errors as HTTP replies with the FHIR content type. */
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { operationOutcome, type FhirError } from '../fhir/fhir-error';
import type { FhirResponse } from '../fhir/fhir-response';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/**
 * A JSON body is sent as FHIR JSON unless the response names its own Content-Type; bytes (a Buffer, e.g. a
 * Binary's content, or a stream of them) are sent as they are, under the Content-Type the response names.
 */
export function sendFhir(reply: FastifyReply, response: FhirResponse, contentType = FHIR_JSON): FastifyReply {
  reply.status(response.status).headers(response.headers);
  if (response.body === null || response.body === undefined || response.status === 204) return reply.send();
  if (Buffer.isBuffer(response.body) || response.body instanceof Readable) return reply.send(response.body);
  const named = Object.keys(response.headers).some((name) => name.toLowerCase() === 'content-type');
  return (named ? reply : reply.type(contentType)).send(JSON.stringify(response.body));
}

export function sendError(reply: FastifyReply, error: FhirError): FastifyReply {
  return sendFhir(reply, { status: error.status, headers: error.headers, body: operationOutcome(error.issues) });
}
