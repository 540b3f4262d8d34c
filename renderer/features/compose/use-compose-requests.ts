import { useEffect } from 'react';
import type { ComposeRequest, ContractClient } from '../../../shared/contract.js';
import { draftFromComposeRequest, type Draft } from './reply-draft.js';

/**
 * mailto: links opened with the desktop app: the composer opens prefilled. Links that came
 * before this page listened are taken once; web mode has none. `onRequest` should be stable
 * (a new one subscribes again and takes the waiting links again).
 */
export function useComposeRequests(client: ContractClient, onRequest: (draft: Draft) => void) {
  useEffect(() => {
    const openComposer = (request: ComposeRequest) => onRequest(draftFromComposeRequest(request));
    const off = client.on('compose.requested', openComposer);
    client
      .invoke('compose.takeRequested', {})
      .then((reply) => {
        if (reply.ok) reply.value.requests.forEach(openComposer);
      })
      .catch(() => {});
    return off;
  }, [client, onRequest]);
}
