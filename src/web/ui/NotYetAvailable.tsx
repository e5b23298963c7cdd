/**
 * A labelled empty place for data Headroom does not serve yet (incidents, pages, the
 * deploy gate): the layout shows where it will be, and no number is made up.
 */
export function NotYetAvailable(props: { readonly what: string; readonly when: string }) {
  return (
    <p className="not-yet" data-not-yet={props.what}>
      <span className="not-yet-tag">Not available yet</span> {props.what} {props.when}
    </p>
  );
}
