import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToMain } from './api.js';
import { App } from './App.js';
import { prepareDateFormats } from './format.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={connectToMain()} />
  </StrictMode>,
);
// After the first render has asked main for the accounts: the wait for the answer is idle time.
setTimeout(prepareDateFormats, 0);
