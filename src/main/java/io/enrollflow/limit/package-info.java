/** Fleet-wide limits shared through Redis: enrollment rate, download permits, the Drive daily budget and pause (docs/contract.md §12). */
package io.enrollflow.limit;
