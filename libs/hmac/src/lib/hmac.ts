export function hmac(): string {
  return 'hmac';
}
