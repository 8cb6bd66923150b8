/**
 * A ref callback that focuses its element when it appears: for a field shown in answer to the person's own
 * action (the password a just-chosen encrypted key needs), where moving focus is expected, unlike autofocus
 * on page load.
 */
export function focusOnMount(element: HTMLElement | null): void {
  element?.focus()
}
