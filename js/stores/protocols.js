// The protocol of each group, as the core decides it under a groups configuration: a shared
// store keeps ports unique per protocol and asks the core instead of repeating its rule.
import { describeGroup } from '../../pkg/portclaims.js';

/** A function from a group's name to `'tcp'` or `'udp'` under `groups` (remembered per name). */
export function protocolsOf(groups) {
  const text = groups == null ? 'null' : JSON.stringify(groups);
  const known = new Map();
  return (group) => {
    let protocol = known.get(group);
    if (protocol === undefined) {
      protocol = JSON.parse(describeGroup(group, text)).protocol;
      known.set(group, protocol);
    }
    return protocol;
  };
}
