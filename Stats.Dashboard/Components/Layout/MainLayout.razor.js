// Keeps the visitor's light/dark choice for a year, for the server to draw the next pages in it from the first byte.
export function rememberTheme(name, value) {
  document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
}
