// Placing a call to a lead from a button ("Call now", "Book appointment", a call-back's
// "Call now"): the call is made, then its page opens. A refusal reaches the button's message.

import { post } from './api.js';

/** Places a call of `callType` to `lead` now and opens the call's page. */
export async function callLead(lead, callType) {
  const call = await post(`/api/v1/leads/${lead.id}/call`, { call_type: callType });
  location.hash = `#/calls/${call.id}`;
}
