/** The message under a field (empty keeps its place, so the form does not jump). */
export function FieldError(props: {
  readonly id: string;
  readonly field: string;
  readonly message: string | undefined;
}) {
  return (
    <p className="field-error" id={props.id} data-field-error={props.field}>
      {props.message ?? ''}
    </p>
  );
}

/** A refusal of the whole form: the server's problem, read out when it appears. */
export function FormError({ message }: { readonly message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="field-error" role="alert" data-field-error="form">
      {message}
    </p>
  );
}
