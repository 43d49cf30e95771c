export function fenxEvents(): string {
  return 'fenx-events';
}
