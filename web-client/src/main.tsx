import { render } from 'preact';
import './styles.css';
import { startJoin } from './lib/joinStart.js';
import { traceJoin } from './lib/joinTrace.js';

traceJoin('script');

// An autojoin link opens camera, microphone and connection first; the UI's code loads meanwhile.
const start = startJoin();
const root = document.getElementById('app');
if (root) {
  void import('./ui/App.js').then(({ App }) => {
    traceJoin('ui');
    render(<App start={start} />, root);
  });
}
