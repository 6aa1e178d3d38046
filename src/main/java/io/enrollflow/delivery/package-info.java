/** Delivery: handing a downloaded task folder to the buyer, to Google Drive or to a folder (docs/contract.md §5). */
package io.enrollflow.delivery;
