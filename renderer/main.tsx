import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToMain } from './api.js';
import { App } from './App.js';
import { askingAhead } from './transport/asking-ahead.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
const client = askingAhead(connectToMain());
// Leaves as soon as the connection is open, before React's first render has run its effects.
client.askAhead('accounts.list', {});
createRoot(root).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
