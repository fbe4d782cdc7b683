/**
 * The submissions list with its review (approve, approve & deploy, reject): admin routes, so on a
 * server with keys or an operator token a 401 opens the sign-in form below the list and a 403 (a
 * user key) says the review is for admins. Shown on the Deploy page under the config form and on
 * the Admin page as the approvals queue.
 */
import { useState } from 'react';
import { describeError, postJson } from '../api/http.js';
import { rememberDeploy } from '../api/manage-keys.js';
import type { Submission } from '../api/views.js';
import { OperatorTokenForm, useOperatorGate } from './OperatorToken.js';
import { ManageKeyNotice } from './StopAgent.js';
import type { Polled } from './use-poll.js';

export function SubmissionReview({ subs, showVisibility = false }: { subs: Polled<Submission[]>; showVisibility?: boolean }) {
  const [reviewError, setReviewError] = useState<string | null>(null);
  const [approvedKey, setApprovedKey] = useState<{ agentId: string; manageKey: string } | null>(null);
  const review = useOperatorGate((err) => setReviewError(describeError(err, 'review submissions')));
  const decide = (id: string, verdict: 'approve' | 'reject', body: Record<string, unknown>) => {
    setReviewError(null);
    return review.run(async () => {
      const answer = await postJson(`/strategies/submissions/${encodeURIComponent(id)}/${verdict}`, body);
      // an approve that deploys answers with the new agent's manage key; whoever approved keeps it
      const sub = answer && typeof answer === 'object' ? (answer as { submission?: { deployed_agent_id?: unknown }; manage_key?: unknown }) : {};
      const kept = typeof sub.submission?.deployed_agent_id === 'string' ? rememberDeploy({ agent_id: sub.submission.deployed_agent_id, manage_key: sub.manage_key }) : null;
      if (kept) setApprovedKey(kept);
      subs.reload();
    });
  };

  return (
    <>
      {subs.error && <p className="error">{subs.error}</p>}
      <div className="table-scroll short">
        <table className="tape" data-testid="submissions">
          <thead>
            <tr>
              <th>Id</th><th>Submitter</th><th>Mode</th><th>Template</th><th>Status</th>{showVisibility && <th>Visibility</th>}<th>Review</th>
            </tr>
          </thead>
          <tbody>
            {(subs.data ?? []).map((s) => (
              <tr key={s.id}>
                <td className="mono">{s.id}</td><td>{s.submitter}</td><td>{s.mode}</td><td>{s.template}</td><td>{s.status}</td>
                {showVisibility && <td>{s.raw.visibility}</td>}
                <td>
                  {s.status === 'pending' && (
                    <>
                      <button type="button" className="small" disabled={review.busy} onClick={() => void decide(s.id, 'approve', { deploy: false })}>Approve</button>{' '}
                      <button type="button" className="small" disabled={review.busy} onClick={() => void decide(s.id, 'approve', { deploy: true })}>Approve &amp; deploy</button>{' '}
                      <button type="button" className="small secondary" disabled={review.busy} onClick={() => void decide(s.id, 'reject', {})}>Reject</button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {reviewError && (
        <p className="error" role="alert" data-testid="review-error">
          {reviewError}
        </p>
      )}
      <OperatorTokenForm gate={review} purpose="approve or reject submissions" />
      {approvedKey && <ManageKeyNotice agentId={approvedKey.agentId} manageKey={approvedKey.manageKey} />}
    </>
  );
}
