// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { deferred } from '../../renderer/deferred/deferred.js';
import { deferredView } from '../../renderer/deferred/deferred-view.js';

/** A chunk the test lets arrive (or fail) when it chooses. */
function chunk<T>() {
  let arrive!: (value: T) => void;
  let fail!: (error: Error) => void;
  const fetch = vi.fn(() => new Promise<T>((resolve, reject) => ((arrive = resolve), (fail = reject))));
  return { fetch, arrive: (value: T) => arrive(value), fail: (error: Error) => fail(error) };
}

afterEach(cleanup);

const Greeting = ({ name }: { name: string }) => <p>Hello, {name}</p>;

describe('a deferred view', () => {
  it('shows its fallback while the chunk comes, then the view with its props', async () => {
    const { fetch, arrive } = chunk<typeof Greeting>();
    const View = deferredView(fetch, <p>Loading…</p>);
    render(<View name="Grace" />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    await act(async () => arrive(Greeting));
    expect(await screen.findByText('Hello, Grace')).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
  });

  it('once its chunk is in, draws in the same render, without a frame of the fallback', async () => {
    const { fetch, arrive } = chunk<typeof Greeting>();
    const View = deferredView(fetch, <p>Loading…</p>);
    const loading = View.load();
    arrive(Greeting);
    await loading;
    render(<View name="Ada" />);
    // No waiting: the view is there as render() returns.
    expect(screen.getByText('Hello, Ada')).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
  });

  it('fetches its chunk once, however often it is drawn or preloaded', async () => {
    const { fetch, arrive } = chunk<typeof Greeting>();
    const View = deferredView(fetch);
    void View.load();
    render(
      <>
        <View name="one" />
        <View name="two" />
      </>,
    );
    await act(async () => arrive(Greeting));
    void View.load();
    expect(screen.getByText('Hello, one')).toBeTruthy();
    expect(screen.getByText('Hello, two')).toBeTruthy();
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('says in an alert that a part of the app could not be loaded when its chunk fails', async () => {
    const { fetch, fail } = chunk<typeof Greeting>();
    const View = deferredView(fetch);
    render(
      <>
        <p>The rest of the app</p>
        <View name="Grace" />
      </>,
    );
    await act(async () => fail(new Error('Failed to fetch dynamically imported module')));
    expect((await screen.findByRole('alert')).textContent).toMatch(/could not be loaded\. Reload the window/);
    expect(screen.getByText('The rest of the app')).toBeTruthy();
  });
});

describe('deferred code', () => {
  it('answers nothing until its chunk is in, then the module, synchronously', async () => {
    const { fetch, arrive } = chunk<{ twice: (n: number) => number }>();
    const part = deferred(fetch);
    expect(part.loaded).toBeUndefined();
    const loading = part.load();
    expect(part.loaded).toBeUndefined();
    arrive({ twice: (n) => n * 2 });
    expect(await loading).toMatchObject({ ok: true });
    const loaded = part.loaded;
    expect(loaded?.ok && loaded.value.twice(21)).toBe(42);
  });

  it('keeps a failure as a value: loading never rejects', async () => {
    const { fetch, fail } = chunk<object>();
    const part = deferred(fetch);
    const loading = part.load();
    fail(new Error('gone'));
    expect(await loading).toEqual({ ok: false });
    expect(part.loaded).toEqual({ ok: false });
  });
});
