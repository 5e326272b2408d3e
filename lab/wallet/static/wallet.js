// Copy buttons: the clipboard API where the browser allows it (secure contexts), else select and copy.
document.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('[data-copy]') : null;
  if (!button) return;
  const input = document.getElementById(button.getAttribute('data-copy'));
  if (!input) return;
  const done = () => {
    const label = button.textContent;
    button.textContent = 'Copied';
    setTimeout(() => { button.textContent = label; }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(input.value).then(done, () => {});
    return;
  }
  input.select();
  try {
    if (document.execCommand('copy')) done();
  } catch {
    // Selected: the trainee can copy by hand.
  }
});
