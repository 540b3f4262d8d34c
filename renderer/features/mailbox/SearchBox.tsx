import { useId, type KeyboardEvent, type Ref } from 'react';
import { searchSummary, serverSearchNote, type SearchModel } from './use-search.js';

/** The search box (all folders of the chosen account, or of every account in All inboxes), and what it found in words, said politely. */
export function SearchBox({ search, inputRef }: { search: SearchModel; inputRef: Ref<HTMLInputElement> }) {
  const id = useId();
  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Escape' || search.query === '') return;
    event.preventDefault();
    search.clear();
  }
  return (
    <>
      <form
        role="search"
        className="search"
        onSubmit={(event) => {
          event.preventDefault();
          search.searchNow();
        }}
      >
        <label htmlFor={id}>Search</label>
        <input
          ref={inputRef}
          id={id}
          type="search"
          value={search.query}
          onChange={(e) => search.setQuery(e.target.value)}
          onKeyDown={onKeyDown}
          placeholder={search.everyAccount ? 'Search all accounts' : 'Search all folders'}
          autoComplete="off"
          spellCheck={false}
        />
      </form>
      <p className="search-summary" aria-live="polite">
        {search.results ? searchSummary(search.results.length, search.everyAccount) + serverSearchNote(search.server) : ''}
      </p>
    </>
  );
}
