// One-line states shown in place of a view: loading, waiting for data, or a failed request.
import type { JSX } from 'solid-js';

export interface NoticeProps {
  kind: 'info' | 'error';
  testId?: string;
  children: JSX.Element;
}

export function Notice(props: NoticeProps): JSX.Element {
  return (
    <div class={`notice notice-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'} data-testid={props.testId}>
      {props.children}
    </div>
  );
}
