// The server refuses an evidence file over 15 MB (api/services/evidence), but
// only after it has arrived: checked in the browser first, so a phone does not
// send 40 MB on a mobile connection only to be refused.

/** The server's limit for one evidence file: 15 MB. */
export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;

export const isTooLarge = (file: File) => file.size > MAX_UPLOAD_BYTES;

/** Size in MB with one decimal, as the refusal message shows it. */
export const megabytes = (file: File) => (file.size / 1048576).toFixed(1);
