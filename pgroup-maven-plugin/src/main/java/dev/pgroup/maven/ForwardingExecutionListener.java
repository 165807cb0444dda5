package dev.pgroup.maven;

import org.apache.maven.execution.ExecutionEvent;
import org.apache.maven.execution.ExecutionListener;

/**
 * An {@link ExecutionListener} that passes every event on to the listener it wraps (Maven's own,
 * which prints the build's progress), so that a subclass overrides only the events it acts on.
 */
class ForwardingExecutionListener implements ExecutionListener {
    private final ExecutionListener delegate;

    /** @param delegate the listener that was installed before; may be null */
    ForwardingExecutionListener(ExecutionListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void projectFailed(ExecutionEvent event) {
        if (delegate != null) {
            delegate.projectFailed(event);
        }
    }

    @Override
    public void sessionEnded(ExecutionEvent event) {
        if (delegate != null) {
            delegate.sessionEnded(event);
        }
    }

    @Override
    public void projectDiscoveryStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.projectDiscoveryStarted(event);
        }
    }

    @Override
    public void sessionStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.sessionStarted(event);
        }
    }

    @Override
    public void projectSkipped(ExecutionEvent event) {
        if (delegate != null) {
            delegate.projectSkipped(event);
        }
    }

    @Override
    public void projectStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.projectStarted(event);
        }
    }

    @Override
    public void projectSucceeded(ExecutionEvent event) {
        if (delegate != null) {
            delegate.projectSucceeded(event);
        }
    }

    @Override
    public void mojoSkipped(ExecutionEvent event) {
        if (delegate != null) {
            delegate.mojoSkipped(event);
        }
    }

    @Override
    public void mojoStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.mojoStarted(event);
        }
    }

    @Override
    public void mojoSucceeded(ExecutionEvent event) {
        if (delegate != null) {
            delegate.mojoSucceeded(event);
        }
    }

    @Override
    public void mojoFailed(ExecutionEvent event) {
        if (delegate != null) {
            delegate.mojoFailed(event);
        }
    }

    @Override
    public void forkStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkStarted(event);
        }
    }

    @Override
    public void forkSucceeded(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkSucceeded(event);
        }
    }

    @Override
    public void forkFailed(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkFailed(event);
        }
    }

    @Override
    public void forkedProjectStarted(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkedProjectStarted(event);
        }
    }

    @Override
    public void forkedProjectSucceeded(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkedProjectSucceeded(event);
        }
    }

    @Override
    public void forkedProjectFailed(ExecutionEvent event) {
        if (delegate != null) {
            delegate.forkedProjectFailed(event);
        }
    }
}
