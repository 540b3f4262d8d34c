import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { ContractClient } from '../../../shared/contract.js';
import type { AddressSuggestion } from '../../../shared/drafts.js';
import { splitAddresses } from '../../format.js';

/** How long typing pauses before suggestions are asked for. */
export const SUGGEST_DELAY_MS = 120;

type Props = {
  client: ContractClient;
  label: string;
  value: string;
  onChange: (value: string) => void;
};

/** The address being typed: what follows the last comma or semicolon. */
export function lastPart(value: string): { head: string; typed: string } {
  const cut = Math.max(value.lastIndexOf(','), value.lastIndexOf(';'));
  return { head: cut < 0 ? '' : value.slice(0, cut + 1), typed: value.slice(cut + 1).trim() };
}

/** The field with a chosen suggestion in place of what was being typed, ready for the next address. */
export function withChosen(value: string, suggestion: Pick<AddressSuggestion, 'name' | 'address'>): string {
  const { head } = lastPart(value);
  const name = suggestion.name.replace(/[",;<>]/g, '').trim();
  const entry = name ? `${name} <${suggestion.address}>` : suggestion.address;
  return `${head ? `${head.trimEnd()} ` : ''}${entry}, `;
}

/**
 * To, Cc or Bcc with suggestions from the addresses seen in mail (addresses.suggest): an ARIA 1.2
 * combobox (an input that controls a listbox). Down and Up move through the suggestions, Enter or
 * Tab takes the one chosen, Escape closes the list; a click takes one too. The label stays the
 * field's name ("To"), so it is found as before.
 */
export function AddressField({ client, label, value, onChange }: Props) {
  const id = useId();
  const listId = `${id}-list`;
  const [suggestions, setSuggestions] = useState<AddressSuggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [focused, setFocused] = useState(false);
  const latest = useRef(0);
  const { typed } = lastPart(value);

  useEffect(() => {
    if (!focused || typed.length < 1) {
      latest.current++;
      setSuggestions([]);
      setOpen(false);
      return;
    }
    const request = ++latest.current;
    const timer = setTimeout(() => {
      const exclude = splitAddresses(value).filter((a) => a !== typed);
      client
        .invoke('addresses.suggest', { query: typed, limit: 8, exclude })
        .then((reply) => {
          if (request !== latest.current || !reply.ok) return;
          setSuggestions(reply.value);
          setOpen(reply.value.length > 0);
          setActive(-1);
        })
        .catch(() => {});
    }, SUGGEST_DELAY_MS);
    return () => clearTimeout(timer);
  }, [client, typed, value, focused]);

  function choose(suggestion: AddressSuggestion) {
    latest.current++;
    onChange(withChosen(value, suggestion));
    setOpen(false);
    setSuggestions([]);
    setActive(-1);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!open) {
        if (suggestions.length > 0) {
          event.preventDefault();
          setOpen(true);
          setActive(event.key === 'ArrowDown' ? 0 : suggestions.length - 1);
        }
        return;
      }
      event.preventDefault();
      const count = suggestions.length;
      setActive((i) => (event.key === 'ArrowDown' ? (i + 1) % count : i <= 0 ? count - 1 : i - 1));
      return;
    }
    if ((event.key === 'Enter' || event.key === 'Tab') && open && active >= 0 && suggestions[active]) {
      event.preventDefault();
      choose(suggestions[active]!);
      return;
    }
    if (event.key === 'Escape' && open) {
      // The list closes; the Escape does not go on to close anything else.
      event.preventDefault();
      event.stopPropagation();
      setOpen(false);
      setActive(-1);
    }
  }

  const expanded = open && suggestions.length > 0;
  return (
    <div className="field address-field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={listId}
        aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          setOpen(false);
        }}
        autoComplete="off"
        spellCheck={false}
      />
      <ul id={listId} role="listbox" aria-label={`${label} suggestions`} className="suggestions" hidden={!expanded}>
        {expanded
          ? suggestions.map((s, i) => (
              <li
                key={s.address}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                // Before the input's blur: the click must still find the list there.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(s);
                }}
              >
                {s.name ? (
                  <>
                    <span className="suggestion-name">{s.name}</span> <span className="suggestion-address">&lt;{s.address}&gt;</span>
                  </>
                ) : (
                  <span className="suggestion-address">{s.address}</span>
                )}
              </li>
            ))
          : null}
      </ul>
    </div>
  );
}
