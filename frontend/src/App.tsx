import { Suspense, type ReactNode } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { isApiError } from './api/errors';
import { I18nProvider } from './i18n';
import { SessionProvider, loginPath, useSession, wasSessionExpired } from './auth/session';
import { AppLayout } from './components/AppLayout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { ErrorState, FullPageSpin, PageLoading } from './components/States';
import { LoginPage } from './pages/LoginPage';
import { CustomerListPage } from './pages/CustomerListPage';
import { CustomerDetailPage, CustomerFormPage, DashboardPage, DuplicatesPage, ImportPage, QualityPage, NotFoundPage, RulesPage, ServicePage, TasksPage, SettingsPage, UsersPage } from './pages/lazy';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      retry: (count, err) => count < 2 && isApiError(err) && (err.code === 'NETWORK' || err.code === 'INTERNAL'),
    },
    mutations: { retry: false },
  },
});

function RequireAuth({ children }: { children: ReactNode }) {
  const { me, loading, error, retry } = useSession();
  const location = useLocation();
  if (loading) return <FullPageSpin />;
  if (error && !me) return <ErrorState error={error} onRetry={retry} />;
  if (!me) return <Navigate to={loginPath(location, wasSessionExpired())} replace />;
  return <>{children}</>;
}

function Page({ children }: { children: ReactNode }) {
  const location = useLocation();
  return (
    <ErrorBoundary resetKey={location.pathname}>
      <Suspense fallback={<PageLoading />}>{children}</Suspense>
    </ErrorBoundary>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <BrowserRouter>
          <SessionProvider>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route
                element={
                  <RequireAuth>
                    <AppLayout />
                  </RequireAuth>
                }
              >
                <Route index element={<Navigate to="/customers" replace />} />
                <Route path="/customers" element={<Page><CustomerListPage /></Page>} />
                <Route path="/customers/new" element={<Page><CustomerFormPage /></Page>} />
                <Route path="/customers/:code" element={<Page><CustomerDetailPage /></Page>} />
                <Route path="/customers/:code/edit" element={<Page><CustomerFormPage /></Page>} />
                <Route path="/import" element={<Page><ImportPage /></Page>} />
                <Route path="/duplicates" element={<Page><DuplicatesPage /></Page>} />
                <Route path="/quality" element={<Page><QualityPage /></Page>} />
                <Route path="/dashboard" element={<Page><DashboardPage /></Page>} />
                <Route path="/rules" element={<Page><RulesPage /></Page>} />
                <Route path="/tasks" element={<Page><TasksPage /></Page>} />
                <Route path="/service" element={<Page><ServicePage /></Page>} />
                <Route path="/users" element={<Page><UsersPage /></Page>} />
                <Route path="/settings" element={<Page><SettingsPage /></Page>} />
                <Route path="*" element={<Page><NotFoundPage /></Page>} />
              </Route>
            </Routes>
          </SessionProvider>
        </BrowserRouter>
      </I18nProvider>
    </QueryClientProvider>
  );
}
