/** Test helpers shared by every module through core's test-jar. */
package io.knowhow.core.testing;
