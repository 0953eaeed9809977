/** A failure a person must read: announced to screen readers as it appears. */

export function ErrorMessage(props: { message: string | null | undefined; testId?: string }) {
  if (!props.message) return null;
  return (
    <p class="error" role="alert" data-testid={props.testId ?? 'error-message'}>
      {props.message}
    </p>
  );
}
