import { render } from 'preact';
import { App } from './ui/App.js';
import './styles.css';
import { traceJoin } from './lib/joinTrace.js';

traceJoin('script');

const root = document.getElementById('app');
if (root) render(<App />, root);
