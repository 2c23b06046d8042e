import type { OperationSpec } from '../api/operation.js';
import { fileCreateOp } from '../generated/resources/files.js';
import { FileUploadPartSchema } from '../generated/models/file-upload-part.js';

/**
 * `POST /files/{path}` with `action: 'put'`: the generated `files.create` operation (same
 * parameters, checked the same way) answering a FileUploadPart instead of a File, so the
 * part's fields (`upload_uri`, `ref`, `partsize`, ...) are validated against their own model.
 */
export const uploadPartOp: OperationSpec = {
  ...fileCreateOp,
  id: 'files.upload',
  returns: { model: 'FileUploadPart', array: false, schema: () => FileUploadPartSchema },
};
