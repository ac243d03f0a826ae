/** A refusal or failure beside the controls it concerns, read out at once; nothing when there is none. */
export function ErrorNote({
  error,
  banner = false,
  testId,
}: {
  error: string | undefined;
  /** Across the room view rather than inside a panel. */
  banner?: boolean;
  testId?: string;
}) {
  if (!error) return null;
  return (
    <p class={banner ? 'banner error' : 'error'} role="alert" data-testid={testId}>
      {error}
    </p>
  );
}
