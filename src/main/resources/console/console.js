/* Lanyard console: small progressive enhancements only. Every page works without this script. */
'use strict';

// Copy buttons (console/copy.jte). They are rendered `hidden`, so that without this script no dead
// button shows: the readonly field next to each can still be selected and copied by hand.
for (const button of document.querySelectorAll('button[data-copy]')) {
  const field = document.getElementById(button.dataset.copy);
  const status = document.getElementById(button.dataset.copy + '-copied');
  if (!field || !status) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    status.textContent = '';  // a second click is then announced again
    try {
      // navigator.clipboard exists only in a secure context (https, or http on localhost), and the
      // browser may still refuse: then select the text for Ctrl+C, which works everywhere.
      await navigator.clipboard.writeText(field.value);
      status.textContent = 'Copied';
    } catch (refused) {
      field.focus();
      field.select();
      status.textContent = 'Selected: press Ctrl+C to copy';
    }
  });
}
