/**
 * Server-Sent Events framing (the WHATWG `text/event-stream` format): an event is lines
 * of `field: value` ended by an empty line. JSON has no raw newlines, but a value is
 * split on them anyway so no data can ever end an event early or start a field.
 */
export function eventFrame(event: string, data: string, id?: number): string {
  const lines = data.split(/\r\n|\r|\n/).map((l) => `data: ${l}\n`).join("");
  return `event: ${event}\n${id !== undefined ? `id: ${id}\n` : ""}${lines}\n`;
}

/** A comment line: ignored by clients, it keeps proxies from closing an idle connection. */
export const commentFrame = (text: string): string => `: ${text.replace(/[\r\n]+/g, " ")}\n\n`;
