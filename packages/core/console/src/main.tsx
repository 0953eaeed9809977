/** Entry point: mounts the console into #app. */
import { render } from 'preact';
import { App } from './app.js';
// Stylesheets in cascade order: later files may refine earlier ones.
import './styles/base.css';
import './styles/layout.css';
import './styles/surfaces.css';
import './styles/tables.css';
import './styles/forms.css';
import './styles/charts.css';
import './styles/playground.css';
import './styles/sign-in.css';

const root = document.getElementById('app');
if (root) render(<App />, root);
