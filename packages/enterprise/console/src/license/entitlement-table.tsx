/** Every enterprise feature: whether the license includes it and what it unlocks (shown with or without a license). */
import type { LicenseStatus } from '../shared/license-types.js';

export function EntitlementTable(props: { status: LicenseStatus }) {
  return (
    <section aria-labelledby="entitlements-title" class="ee-card">
      <h2 id="entitlements-title">Entitlements</h2>
      <table class="ee-table" data-testid="license-entitlements">
        <caption class="ee-visually-hidden">Enterprise features, whether this license unlocks them, and what they do</caption>
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Unlocked</th>
            <th scope="col">What it unlocks</th>
          </tr>
        </thead>
        <tbody>
          {props.status.features.map((feature) => (
            <tr key={feature.name} data-testid={`entitlement-${feature.name}`}>
              <th scope="row">
                <code>{feature.name}</code>
              </th>
              <td>
                <span class={`ee-badge ee-badge-${feature.active ? 'good' : 'neutral'}`}>{feature.active ? 'Yes' : 'No'}</span>
              </td>
              <td>{feature.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
