// The filing form, helped along; every part of it also works without this script:
// - the rules are asked as the agency types (the "Check the rules" button does the same), and
//   the decision is summed up in the bar at the bottom of a phone's screen;
// - 提交备案 on a decision that blocks asks in place first (without the script, the server asks);
// - the enterprise is found by part of its name or code, and its name shown beside the code.
(function () {
  const form = document.getElementById('filing-form');
  if (!form || !window.fetch) return;
  const out = document.getElementById('decision');
  const bar = document.getElementById('decision-bar');
  const barText = document.getElementById('decision-bar-text');
  const note = document.getElementById('blocked-note');
  const confirmBox = document.getElementById('blocked-confirm');
  const fileButton = document.getElementById('file-button');
  const search = document.getElementById('enterpriseSearch');

  // --- the live decision ---------------------------------------------------------------------
  let outcome = 'none';
  function summarise() {
    const live = out && out.querySelector('.decision-live');
    if (!live) return;
    outcome = live.getAttribute('data-outcome') || 'none';
    if (bar) bar.className = 'decision-bar ' + outcome;
    if (barText) barText.textContent = live.getAttribute('data-bar') || '';
    if (note) note.hidden = outcome !== 'block';
    // a question about a block that is gone would mislead
    if (confirmBox && outcome !== 'block') confirmBox.hidden = true;
  }
  summarise();

  let timer = null;
  let seq = 0;
  async function check() {
    const mine = ++seq;
    const data = new URLSearchParams(new FormData(form));
    data.delete('action');
    try {
      const res = await fetch('/filings/check', {
        method: 'POST',
        body: data,
        credentials: 'same-origin',
        headers: { 'X-CSRF-Token': form.elements._csrf.value },
      });
      // a slower answer to an earlier state of the form must not overwrite a newer one
      // a redirect means the session ended (to the sign-in page): leave the panel as it is
      if (mine === seq && res.ok && !res.redirected) {
        out.innerHTML = await res.text();
        summarise();
      }
    } catch (e) {
      // offline or the server away: the buttons still work
    }
  }
  const later = function (e) {
    if (e.target === search) return; // the search box is not part of the filing
    clearTimeout(timer);
    timer = setTimeout(check, 350);
  };
  form.addEventListener('input', later);
  form.addEventListener('change', later);

  // --- filing what the rules block: asked twice ----------------------------------------------
  form.addEventListener('submit', function (e) {
    if (!confirmBox || !e.submitter || e.submitter !== fileButton || outcome !== 'block') return;
    e.preventDefault();
    confirmBox.hidden = false;
    confirmBox.scrollIntoView({ block: 'center' });
    confirmBox.focus();
  });
  if (confirmBox) {
    confirmBox.querySelectorAll('[data-dismiss]').forEach(function (b) {
      b.addEventListener('click', function (e) {
        e.preventDefault();
        confirmBox.hidden = true;
        fileButton.focus();
      });
    });
  }

  // --- finding the enterprise ------------------------------------------------------------------
  const wrap = document.getElementById('enterprise-search');
  const list = document.getElementById('enterprise-options');
  const status = document.getElementById('enterprise-status');
  const code = document.getElementById('enterpriseUscc');
  const chosen = document.getElementById('enterprise-name');
  if (!wrap || !search || !list || !code || !chosen) return;
  wrap.hidden = false;
  const say = function (key, params) {
    let s = wrap.getAttribute('data-' + key) || '';
    Object.keys(params || {}).forEach(function (k) {
      s = s.replace('{' + k + '}', params[k]);
    });
    return s;
  };

  let found = [];
  let active = -1;
  let findSeq = 0;
  let findTimer = null;
  async function ask(q) {
    const res = await fetch('/filings/enterprises?q=' + encodeURIComponent(q), {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (!res.ok || res.redirected) return null;
    return (await res.json()).items;
  }
  function close() {
    list.hidden = true;
    list.textContent = '';
    found = [];
    active = -1;
    search.setAttribute('aria-expanded', 'false');
    search.removeAttribute('aria-activedescendant');
  }
  function mark(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, n) {
      li.setAttribute('aria-selected', n === i ? 'true' : 'false');
    });
    if (i >= 0) {
      search.setAttribute('aria-activedescendant', 'enterprise-option-' + i);
      list.children[i].scrollIntoView({ block: 'nearest' });
    } else search.removeAttribute('aria-activedescendant');
  }
  function show(items) {
    close();
    found = items;
    items.forEach(function (e, i) {
      const li = document.createElement('li');
      li.id = 'enterprise-option-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      const name = document.createElement('span');
      name.textContent = e.name;
      const uscc = document.createElement('small');
      uscc.className = 'mono';
      uscc.textContent = e.uscc;
      li.append(name, uscc);
      // a tap picks without first taking the focus from the search box
      li.addEventListener('mousedown', function (ev) {
        ev.preventDefault();
      });
      li.addEventListener('click', function () {
        pick(i);
      });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    search.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    status.textContent = items.length ? say('found', { n: items.length }) : say('none');
  }
  function pick(i) {
    const e = found[i];
    if (!e) return;
    code.value = e.uscc;
    search.value = e.name;
    chosen.textContent = say('chosen', { name: e.name });
    close();
    // the decision follows the enterprise chosen
    code.dispatchEvent(new Event('change', { bubbles: true }));
  }
  async function find() {
    const mine = ++findSeq;
    const q = search.value.trim();
    if (!q) return close();
    try {
      const items = await ask(q);
      if (mine === findSeq && items) show(items);
    } catch (e) {
      // the plain code field still works
    }
  }
  search.addEventListener('input', function () {
    clearTimeout(findTimer);
    findTimer = setTimeout(find, 250);
  });
  search.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowDown' && found.length) {
      e.preventDefault();
      mark((active + 1) % found.length);
    } else if (e.key === 'ArrowUp' && found.length) {
      e.preventDefault();
      mark(active <= 0 ? found.length - 1 : active - 1);
    } else if (e.key === 'Enter') {
      // Enter picks (the only match, or the one marked); it never sends the form from here
      e.preventDefault();
      if (active >= 0) pick(active);
      else if (found.length === 1) pick(0);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  search.addEventListener('blur', close);

  // a code typed in full: its name, when it is an enterprise of the agency's jurisdiction
  let codeSeq = 0;
  code.addEventListener('input', async function () {
    const mine = ++codeSeq;
    const typed = code.value.trim().toUpperCase();
    chosen.textContent = '';
    if (typed.length !== 18) return;
    try {
      const items = await ask(typed);
      const hit = items && items.find((e) => e.uscc === typed);
      if (mine === codeSeq && hit) chosen.textContent = say('chosen', { name: hit.name });
    } catch (e) {
      // the name is a help, not a need
    }
  });
})();
