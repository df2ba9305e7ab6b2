/** A CSV field as RFC 4180 writes it: quoted when it holds a comma, quote or line break. */
export const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/** One CSV record, ended by CRLF as RFC 4180 says. */
export const csvRecord = (fields: readonly string[]): string => `${fields.map(csvField).join(",")}\r\n`;
