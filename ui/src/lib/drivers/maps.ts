/**
 * The link that opens an address in the desktop's maps handler: a `geo:` URI
 * (RFC 5870) with the address as its query, as maps applications read it. The
 * app may open `geo:` links and nothing else (the opener plugin's scope in the
 * window's capabilities).
 */
export function mapsLink(address: string): string {
  return `geo:0,0?q=${encodeURIComponent(address.trim())}`;
}
