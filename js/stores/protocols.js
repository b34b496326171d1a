// The protocol of each group, as the core decides it under a groups configuration: a shared
// store keeps ports unique per protocol and asks the core instead of repeating its rule.
import { groupProtocol } from '../../pkg/portclaims.js';

/** A function from a group's name to `'tcp'` or `'udp'` under `groups` (remembered per name). */
export function protocolsOf(groups) {
  const text = groups == null ? '' : JSON.stringify(groups);
  const known = new Map();
  return (group) => {
    let protocol = known.get(group);
    if (protocol === undefined) {
      protocol = groupProtocol(text, group);
      known.set(group, protocol);
    }
    return protocol;
  };
}
