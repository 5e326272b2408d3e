// Onion Range explorer: the transaction-flow graph on tx and address pages.
// Nodes are transactions (blue boxes) and addresses (orange circles); an arrow follows the money
// (address → tx for an input, tx → address for an output). Clicking a node that is not yet expanded
// loads its neighbours from the lab's own Esplora-style API and adds them, one hop at a time.
// Data only ever reaches the page through textContent and cytoscape's canvas, never as HTML.
(function () {
  'use strict';
  var MAX_NODES = 600;

  var container = document.getElementById('flow-graph');
  if (!container) return;
  if (typeof window.cytoscape !== 'function') {
    var status = container.closest('.flow').querySelector('[data-flow-status]');
    if (status) status.textContent = 'The graph library did not load (static/vendor/cytoscape.min.js); the tables on this page hold the same links.';
    return;
  }

  var api = container.getAttribute('data-api') || '/api';
  var base = container.getAttribute('data-base') || '';
  var focusKind = container.getAttribute('data-kind');
  var focusId = container.getAttribute('data-id') || '';
  var section = container.closest('.flow');
  var statusEl = section.querySelector('[data-flow-status]');
  var detailsEl = section.querySelector('[data-flow-details]');
  var dark = window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
  var ink = dark ? '#e2e8f0' : '#1c2430';
  var paper = dark ? '#1e2732' : '#f0f3f7';

  function btc(sat) {
    var whole = Math.floor(sat / 1e8);
    var frac = String(sat % 1e8);
    while (frac.length < 8) frac = '0' + frac;
    frac = frac.replace(/0+$/, '');
    return whole + (frac ? '.' + frac : '') + ' BTC';
  }
  function short(s) { return s.length > 16 ? s.slice(0, 6) + '…' + s.slice(-6) : s; }
  function txNodeId(txid) { return 'tx:' + txid; }
  function addrNodeId(address) { return 'addr:' + address; }

  var cy = window.cytoscape({
    container: container,
    minZoom: 0.15,
    maxZoom: 3,
    boxSelectionEnabled: false,
    style: [
      { selector: 'node', style: {
        'label': 'data(label)', 'font-size': 9, 'color': ink, 'text-valign': 'bottom', 'text-margin-y': 4,
        'font-family': 'ui-monospace, DejaVu Sans Mono, monospace', 'border-width': 2, 'border-color': '#7a8799',
        'border-style': 'dashed', 'text-background-color': paper, 'text-background-opacity': 0.85,
        'text-background-padding': 1 } },
      { selector: 'node[kind = "tx"]', style: { 'shape': 'round-rectangle', 'width': 36, 'height': 22, 'background-color': '#1f5fbf' } },
      { selector: 'node[kind = "addr"]', style: { 'shape': 'ellipse', 'width': 22, 'height': 22, 'background-color': '#f7931a' } },
      { selector: 'node[kind = "special"]', style: { 'shape': 'diamond', 'width': 20, 'height': 20, 'background-color': '#8a96a8' } },
      { selector: 'node[?expanded]', style: { 'border-style': 'solid', 'border-color': dark ? '#cfd8e3' : '#14233a' } },
      { selector: 'node[?focus]', style: { 'border-width': 4, 'border-color': '#f7931a', 'border-style': 'solid', 'font-weight': 'bold', 'font-size': 10 } },
      { selector: 'node[kind = "tx"][?focus]', style: { 'background-color': '#14233a' } },
      { selector: 'node:selected', style: { 'overlay-color': '#f7931a', 'overlay-opacity': 0.25, 'overlay-padding': 6 } },
      { selector: 'edge', style: {
        'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'arrow-scale': 0.8,
        'width': 'data(width)', 'line-color': dark ? '#5b6b80' : '#9aa8ba', 'target-arrow-color': dark ? '#5b6b80' : '#9aa8ba',
        'label': 'data(label)', 'font-size': 8, 'color': dark ? '#b9c6d6' : '#44536a', 'text-rotation': 'autorotate',
        'text-background-color': paper, 'text-background-opacity': 0.9, 'text-background-padding': 1 } },
    ],
  });

  // Each edge sums the amounts of the inputs or outputs it stands for, keyed so that learning the same
  // input twice (from both of its ends) never counts it twice.
  var edgeParts = {};
  var busy = false;

  function setStatus(text) { statusEl.textContent = text; }
  function counts() { return cy.nodes().length + ' nodes, ' + cy.edges().length + ' links'; }

  function ensureNode(id, data) {
    var node = cy.getElementById(id);
    if (node.nonempty()) return node;
    data.id = id;
    return cy.add({ group: 'nodes', data: data });
  }
  function ensureTx(txid) { return ensureNode(txNodeId(txid), { kind: 'tx', txid: txid, label: short(txid), expanded: false }); }
  // An output script without an address (OP_RETURN, bare multisig...) gets a node of its own.
  function ensureParty(prevout, txid, index, side) {
    if (prevout && prevout.scriptpubkey_address) {
      var a = prevout.scriptpubkey_address;
      return ensureNode(addrNodeId(a), { kind: 'addr', address: a, label: short(a), expanded: false });
    }
    var type = prevout ? prevout.scriptpubkey_type : 'unknown';
    return ensureNode('script:' + txid + ':' + side + index, {
      kind: 'special', label: type === 'op_return' ? 'OP_RETURN' : type, note: 'output script without an address', expanded: true,
    });
  }
  function addFlow(sourceId, targetId, partKey, value) {
    var id = 'e:' + sourceId + '>' + targetId;
    var parts = edgeParts[id] || (edgeParts[id] = {});
    parts[partKey] = value;
    var sum = 0, n = 0;
    for (var k in parts) { sum += parts[k]; n++; }
    var label = btc(sum) + (n > 1 ? ' (' + n + ')' : '');
    var width = Math.min(7, 1 + Math.log10(1 + sum / 1e6));
    var edge = cy.getElementById(id);
    if (edge.nonempty()) { edge.data({ label: label, width: width }); return; }
    cy.add({ group: 'edges', data: { id: id, source: sourceId, target: targetId, label: label, width: width } });
  }

  function getJson(path) {
    return fetch(api + path, { headers: { accept: 'application/json' } }).then(function (res) {
      if (!res.ok) throw new Error('the lab API answered ' + res.status + ' for ' + path);
      return res.json();
    });
  }

  // The tx with its inputs' addresses and the txs that created them, its outputs' addresses and
  // the txs that spend them.
  function addTxNeighbours(tx, outspends) {
    var txid = tx.txid;
    ensureTx(txid).data('expanded', true);
    tx.vin.forEach(function (vin, i) {
      if (vin.is_coinbase) {
        var cb = ensureNode('coinbase:' + txid, { kind: 'special', label: 'new coins', note: 'coinbase: block subsidy + fees', expanded: true });
        var total = tx.vout.reduce(function (s, o) { return s + o.value; }, 0);
        addFlow(cb.id(), txNodeId(txid), txid + ':cb', total);
        return;
      }
      var party = ensureParty(vin.prevout, vin.txid, vin.vout, 'o');
      addFlow(party.id(), txNodeId(txid), txid + ':i' + i, vin.prevout ? vin.prevout.value : 0);
      ensureTx(vin.txid);
      addFlow(txNodeId(vin.txid), party.id(), vin.txid + ':o' + vin.vout, vin.prevout ? vin.prevout.value : 0);
    });
    tx.vout.forEach(function (vout, j) {
      var party = ensureParty(vout, txid, j, 'o');
      addFlow(txNodeId(txid), party.id(), txid + ':o' + j, vout.value);
      var spend = outspends && outspends[j];
      if (spend && spend.spent && spend.txid) {
        ensureTx(spend.txid);
        addFlow(party.id(), txNodeId(spend.txid), spend.txid + ':i' + spend.vin, vout.value);
      }
    });
  }

  // The address with the txs of its first history page, linked only through its own inputs and outputs.
  function addAddressNeighbours(address, txs) {
    var node = ensureNode(addrNodeId(address), { kind: 'addr', address: address, label: short(address), expanded: true });
    node.data('expanded', true);
    txs.forEach(function (tx) {
      ensureTx(tx.txid);
      tx.vin.forEach(function (vin, i) {
        if (vin.prevout && vin.prevout.scriptpubkey_address === address) addFlow(node.id(), txNodeId(tx.txid), tx.txid + ':i' + i, vin.prevout.value);
      });
      tx.vout.forEach(function (vout, j) {
        if (vout.scriptpubkey_address === address) addFlow(txNodeId(tx.txid), node.id(), tx.txid + ':o' + j, vout.value);
      });
    });
    return txs.length;
  }

  function expandTx(txid) {
    return Promise.all([getJson('/tx/' + encodeURIComponent(txid)), getJson('/tx/' + encodeURIComponent(txid) + '/outspends')])
      .then(function (r) { addTxNeighbours(r[0], r[1]); return 'transaction ' + short(txid); });
  }
  function expandAddress(address) {
    return getJson('/address/' + encodeURIComponent(address) + '/txs').then(function (txs) {
      var n = addAddressNeighbours(address, txs);
      return 'address ' + short(address) + ' (' + n + ' most recent transaction' + (n === 1 ? '' : 's') + '; the address page lists them all)';
    });
  }

  function expand(node) {
    if (busy || node.data('expanded')) return Promise.resolve(false);
    if (cy.nodes().length >= MAX_NODES) {
      setStatus('The graph holds ' + cy.nodes().length + ' nodes; press Reset to start again from this page.');
      return Promise.resolve(false);
    }
    busy = true;
    setStatus('Loading…');
    var kind = node.data('kind');
    var job = kind === 'tx' ? expandTx(node.data('txid')) : kind === 'addr' ? expandAddress(node.data('address')) : Promise.resolve(null);
    return job.then(function (what) {
      busy = false;
      relayout(node);
      setStatus((what ? 'Expanded ' + what + '. ' : '') + counts() + '. Dashed nodes can be expanded.');
      container.setAttribute('data-expansions', String(Number(container.getAttribute('data-expansions') || '0') + 1));
      return true;
    }, function (err) {
      busy = false;
      setStatus('Could not expand: ' + err.message);
      return false;
    });
  }

  // Left to right in the direction money moves. A hub with dozens of txs would be fitted into
  // unreadably small nodes, so zoom stops at a readable floor, centred on the node last expanded.
  var MIN_READABLE_ZOOM = 0.6;
  function relayout(around) {
    cy.layout({ name: 'breadthfirst', directed: true, direction: 'rightward', spacingFactor: 1.1, padding: 24, avoidOverlap: true, nodeDimensionsIncludeLabels: true, animate: false }).run();
    if (cy.zoom() < MIN_READABLE_ZOOM) {
      cy.zoom(MIN_READABLE_ZOOM);
      cy.center(around && around.nonempty() ? around : cy.nodes('[?focus]'));
    }
  }

  function link(href, text) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }
  function showDetails(node) {
    detailsEl.textContent = '';
    var kind = node.data('kind');
    var strong = document.createElement('strong');
    if (kind === 'tx') {
      strong.textContent = 'Transaction ';
      detailsEl.appendChild(strong);
      var code = document.createElement('code');
      code.textContent = node.data('txid');
      detailsEl.appendChild(code);
      detailsEl.appendChild(document.createTextNode(' · '));
      detailsEl.appendChild(link(base + '/tx/' + encodeURIComponent(node.data('txid')), 'open transaction page →'));
    } else if (kind === 'addr') {
      strong.textContent = 'Address ';
      detailsEl.appendChild(strong);
      var c = document.createElement('code');
      c.textContent = node.data('address');
      detailsEl.appendChild(c);
      detailsEl.appendChild(document.createTextNode(' · '));
      detailsEl.appendChild(link(base + '/address/' + encodeURIComponent(node.data('address')), 'open address page →'));
    } else {
      strong.textContent = node.data('label');
      detailsEl.appendChild(strong);
      detailsEl.appendChild(document.createTextNode(' — ' + (node.data('note') || '')));
    }
  }

  cy.on('tap', 'node', function (event) {
    var node = event.target;
    showDetails(node);
    expand(node);
  });

  function start() {
    cy.elements().remove();
    edgeParts = {};
    var first = focusKind === 'tx'
      ? ensureTx(focusId)
      : ensureNode(addrNodeId(focusId), { kind: 'addr', address: focusId, label: short(focusId), expanded: false });
    first.data('focus', true);
    container.setAttribute('data-expansions', '0');
    return expand(first).then(function () { container.setAttribute('data-ready', 'true'); });
  }

  section.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-flow-action]') : null;
    if (!button) return;
    var action = button.getAttribute('data-flow-action');
    if (action === 'fit') cy.fit(undefined, 24);
    else if (action === 'layout') relayout(null);
    else if (action === 'reset') start();
  });

  window.explorerFlow = { cy: cy, expand: function (id) { var n = cy.getElementById(id); return n.nonempty() ? expand(n) : Promise.resolve(false); } };
  start();
})();
