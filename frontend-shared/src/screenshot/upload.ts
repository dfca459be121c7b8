// Uploads a picture the page made (a screenshot, an annotated copy) with its
// kind, as the chat's own uploads do (XHR, bearer header).

import type { FileInfo } from "../protocol";
import { type ChatAuth, type UploadKind, uploadFile } from "../chat/transfer";

/** Uploads `blob` as `name`; resolves to the stored file. */
export function uploadPicture(interactionId: string, blob: Blob, name: string, what: UploadKind, auth: ChatAuth): Promise<FileInfo> {
  const file = new File([blob], name, { type: blob.type || "image/jpeg" });
  return uploadFile(interactionId, file, auth, () => undefined, what).done;
}
