/** Text as HTML (element content and double-quoted attribute values). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/**
 * JSON for a `<script type="application/json">` block: `<` escaped so no value can close
 * the element (`</script>`) or open a comment, whatever an attacker put in a user agent.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/**
 * A script's source inside `<script>`: only `</script` can end it early; the inlined
 * library is minified code that may hold that text in a string.
 */
export const scriptSource = (source: string): string => source.replace(/<\/script/gi, '<\\/script');
