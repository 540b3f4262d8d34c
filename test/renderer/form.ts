import { fireEvent, screen } from '@testing-library/react';

/** Types into the field of that label, as a person would (the whole value at once). */
export function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

/** What the field of that label holds. */
export function valueOf(label: string): string {
  return (screen.getByLabelText(label) as HTMLInputElement).value;
}
