"use strict";
(function () {
  const link = new URLSearchParams(window.location.search);
  const query = "s=" + encodeURIComponent(link.get("s") || "") + "&e=" + encodeURIComponent(link.get("e") || "")
      + "&t=" + encodeURIComponent(link.get("t") || "");
  const byId = (id) => document.getElementById(id);
  let view = null;
  let watching = 0;

  function names(purpose) {
    return purpose.replace(/^sms_/, "SMS_").replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
  }

  function fail(message) {
    byId("choices").hidden = true;
    const error = byId("error");
    error.textContent = message;
    error.hidden = false;
  }

  async function load() {
    const response = await fetch("/v1/preferences?" + query, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      fail(body.message || "This page cannot be shown right now; please try again.");
      return null;
    }
    return body;
  }

  function render() {
    const list = byId("purposes");
    list.textContent = "";
    for (const purpose of view.purposes) {
      const item = document.createElement("li");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.id = "purpose-" + purpose.purpose;
      box.checked = purpose.allowed;
      box.dataset.purpose = purpose.purpose;
      box.setAttribute("aria-describedby", "description-" + purpose.purpose);
      box.addEventListener("change", () => toggle(purpose, box.checked));
      const label = document.createElement("label");
      label.htmlFor = box.id;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = names(purpose.purpose);
      const description = document.createElement("span");
      description.className = "description";
      description.id = "description-" + purpose.purpose;
      description.textContent = purpose.description
          + (purpose.model === "OPT_IN" ? " (only with your agreement)" : " (until you refuse)");
      label.append(name, description);
      item.append(box, label);
      list.append(item);
    }
    byId("policy-version").textContent = view.policyVersion;
    byId("expires").textContent = new Date(view.expiresAt).toLocaleString();
    byId("choices").hidden = false;
  }

  async function send(kind, purposes, method) {
    const response = await fetch("/v1/preferences/signals?" + query, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ kind: kind, purposes: purposes, method: method })
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const reason = body.message || (body.errors || []).map((e) => e.message).join("; ");
      byId("propagation").textContent = "Your choice was not recorded: " + (reason || response.status);
      return;
    }
    follow(body.signalId);
  }

  function toggle(purpose, on) {
    if (on) {
      send("OPT_IN", [purpose.purpose], "toggle");
    } else {
      send(purpose.status === "GRANTED" ? "WITHDRAWAL" : "OPT_OUT", [purpose.purpose], "toggle");
    }
    purpose.status = on ? "GRANTED" : (purpose.status === "GRANTED" ? "WITHDRAWN" : "DENIED");
    purpose.allowed = on;
  }

  function setAll(on) {
    const purposes = view.purposes.map((p) => p.purpose);
    for (const purpose of view.purposes) {
      byId("purpose-" + purpose.purpose).checked = on;
      purpose.status = on ? "GRANTED" : "DENIED";
      purpose.allowed = on;
    }
    send(on ? "OPT_IN" : "OPT_OUT", purposes, "button");
  }

  /** Where the choice went: read from the signal's status until every partner has answered. */
  function follow(signalId) {
    const line = byId("propagation");
    const mine = ++watching;
    line.textContent = "Recording your choice…";
    let tries = 0;
    const poll = async () => {
      if (mine !== watching) {
        return;
      }
      tries++;
      const response = await fetch("/v1/preferences/signals/" + encodeURIComponent(signalId) + "?" + query,
          { headers: { Accept: "application/json" } });
      if (response.ok) {
        const status = await response.json();
        const vendors = (status.propagation && status.propagation.vendors) || [];
        if (status.decision && vendors.length === 0) {
          line.textContent = "Your choice is recorded. No partner needed to be told.";
          return;
        }
        if (vendors.length > 0) {
          const reached = vendors.filter((v) => v.status === "APPLIED" || v.status === "NOT_FOUND").length;
          const pending = vendors.filter((v) => v.status === "PENDING");
          const failed = vendors.length - reached - pending.length;
          if (pending.length === 0) {
            line.textContent = failed === 0
                ? "Your choice reached all " + vendors.length + " partners."
                : "Your choice reached " + reached + " of " + vendors.length + " partners; " + failed
                    + " could not apply it and we are following up.";
            return;
          }
          const due = pending.map((v) => new Date(v.deadline)).sort((a, b) => a - b)[0];
          line.textContent = "Your choice reached " + reached + " of " + vendors.length + " partners, "
              + pending.length + " pending (due by " + due.toLocaleString() + ").";
        }
      }
      if (tries < 120) {
        setTimeout(poll, 1000);
      }
    };
    poll();
  }

  async function start() {
    view = await load();
    if (!view) {
      return;
    }
    render();
    byId("accept-all").addEventListener("click", () => setAll(true));
    byId("refuse-all").addEventListener("click", () => setAll(false));
    if (navigator.globalPrivacyControl === true) {
      byId("gpc").hidden = false;
      if (!view.gpcActive) {
        send("GPC", [], "gpc");
      }
    }
  }

  start();
})();
