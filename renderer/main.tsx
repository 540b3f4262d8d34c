import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { connectToMain } from './api.js';
import { App } from './App.js';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App client={connectToMain()} />
  </StrictMode>,
);
