package io.tollgate.core.admin;

import java.util.concurrent.CompletionStage;

/**
 * Serves one admin route. Called on an event loop: answer from memory, or hop to
 * {@link io.tollgate.core.filter.FilterServices#blockingExecutor()} for database work and return the stage.
 */
@FunctionalInterface
public interface AdminHandler {

    CompletionStage<AdminResponse> handle(AdminRequest request);
}
