/** Finding the store of a knowledge base by its {@code store.kind}: providers register with the ServiceLoader. */
package io.knowhow.app.store;
