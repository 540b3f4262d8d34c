import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

type Props = {
  /** Names what it resizes, e.g. "Resize folders". */
  label: string;
  /** The width of the pane before it, in CSS pixels. */
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
};

/** Pixels an arrow key moves the splitter; Shift moves it four times as far. */
const STEP = 16;

/**
 * A vertical splitter between two panes (the ARIA window splitter pattern): a focusable separator
 * whose value is the width of the pane before it. Left/Right move it, Shift with them further,
 * Home/End to its limits; a pointer drags it.
 */
export function Splitter({ label, value, min, max, onChange }: Props) {
  const drag = useRef<{ x: number; from: number } | undefined>(undefined);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const step = event.shiftKey ? STEP * 4 : STEP;
    const next: Record<string, number> = { ArrowLeft: value - step, ArrowRight: value + step, Home: min, End: max };
    if (!(event.key in next)) return;
    event.preventDefault();
    onChange(next[event.key]!);
  }

  function onPointerDown(event: PointerEvent<HTMLDivElement>) {
    event.currentTarget.setPointerCapture?.(event.pointerId);
    drag.current = { x: event.clientX, from: value };
  }

  function onPointerMove(event: PointerEvent<HTMLDivElement>) {
    if (!drag.current) return;
    onChange(drag.current.from + event.clientX - drag.current.x);
  }

  function onPointerUp(event: PointerEvent<HTMLDivElement>) {
    drag.current = undefined;
    event.currentTarget.releasePointerCapture?.(event.pointerId);
  }

  return (
    <div
      className="splitter"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-valuenow={value}
      aria-valuemin={min}
      aria-valuemax={max}
      aria-valuetext={`${value} pixels wide`}
      tabIndex={0}
      onKeyDown={onKeyDown}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    />
  );
}
