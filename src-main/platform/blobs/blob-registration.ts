/**
 * The blob domain's registration (issue 10): the resumable upload routes and the Binary content
 * handler. Who may read a Binary's bytes is never decided here: the Binary's own policy (a DSP
 * document's, a message's, its writer's) decides, as for its JSON.
 */
import type { PolicyRegistry } from '../policy/policy-registry';
import { BINARY_CONTENT } from './binary-content';
import { blobUploadRoutes, DEFAULT_BLOB_UPLOAD_LIMITS, type BlobUploadLimits } from './blob-uploads';

export function registerBlobs(registry: PolicyRegistry, limits: BlobUploadLimits = DEFAULT_BLOB_UPLOAD_LIMITS): void {
  registry.domain({ name: 'blobs', routes: blobUploadRoutes(limits), content: [BINARY_CONTENT] });
}
