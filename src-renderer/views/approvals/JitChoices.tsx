import type { JitChoiceDto } from '../../../src-shared/approvals.js';

/** A held call's scopes, narrowest first and chosen by default; the owner widens only by picking another, in words. */
export function JitChoices({ requestId, choices, chosen, onChoose }: { requestId: string; choices: readonly JitChoiceDto[]; chosen: JitChoiceDto['id']; onChoose: (id: JitChoiceDto['id']) => void }) {
  return (
    <fieldset>
      <legend>Approve for</legend>
      <ul className="jit-choices">
        {choices.map((choice) => (
          <li key={choice.id}>
            <label>
              <input type="radio" name={`scope-${requestId}`} value={choice.id} checked={choice.id === chosen} onChange={() => onChoose(choice.id)} /> {choice.label}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
