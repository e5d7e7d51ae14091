// Printer for discovery.k8s.io/v1 EndpointSlice: address type, up to three ports and addresses.

import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { items, listWithMoreString, str } from './format.js';
import { AGE_COLUMN, column, NAME_COLUMN, translateTimestampSince, type Printer } from './table.js';

const MAX_SHOWN = 3;

/** Port numbers (or names, or `*` for "all ports"), at most three, then "+ N more...". */
export function formatSlicePorts(ports: readonly EndpointPort[] | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const port of items(ports)) {
    if (list.length < MAX_SHOWN) {
      let text = '*';
      if (typeof port?.port === 'number') text = String(port.port);
      else if (typeof port?.name === 'string') text = port.name;
      list.push(text);
    } else if (list.length === MAX_SHOWN) {
      more = true;
    }
    count++;
  }
  return listWithMoreString(list, more, count, MAX_SHOWN);
}

/** Every endpoint's addresses, at most three, then "+ N more...". */
export function formatSliceEndpoints(endpoints: readonly Endpoint[] | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const endpoint of items(endpoints)) {
    for (const address of items(endpoint?.addresses)) {
      if (list.length < MAX_SHOWN) list.push(str(address));
      else if (list.length === MAX_SHOWN) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, MAX_SHOWN);
}

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'The type of addresses in the slice: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'The ports every endpoint of the slice exposes.'),
    column('Endpoints', 'string', 'Addresses of the endpoints in the slice.'),
    AGE_COLUMN,
  ],
  print: (slice, { now }) => ({
    cells: [
      str(slice.metadata?.name),
      str(slice.addressType),
      formatSlicePorts(slice.ports),
      formatSliceEndpoints(slice.endpoints),
      translateTimestampSince(slice.metadata?.creationTimestamp, now),
    ],
  }),
};
