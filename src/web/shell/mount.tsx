// React and the app, loaded by main.tsx once the first reads are on their way.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HeadroomApp } from './HeadroomApp';

const root = document.getElementById('root');
if (root !== null) {
  createRoot(root).render(
    <StrictMode>
      <HeadroomApp />
    </StrictMode>,
  );
}
